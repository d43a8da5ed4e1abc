// Original file: keygate/v1/key_admin.proto


export interface GetKeyRequest {
  'id'?: (string);
}

export interface GetKeyRequest__Output {
  'id': (string);
}
