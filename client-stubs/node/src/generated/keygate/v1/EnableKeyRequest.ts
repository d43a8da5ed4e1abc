// Original file: keygate/v1/key_admin.proto


export interface EnableKeyRequest {
  'id'?: (string);
}

export interface EnableKeyRequest__Output {
  'id': (string);
}
