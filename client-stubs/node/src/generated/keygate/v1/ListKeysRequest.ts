// Original file: keygate/v1/key_admin.proto


export interface ListKeysRequest {
  'project'?: (string);
  'pageSize'?: (number);
  'pageToken'?: (string);
  'includeRevoked'?: (boolean);
}

export interface ListKeysRequest__Output {
  'project': (string);
  'pageSize': (number);
  'pageToken': (string);
  'includeRevoked': (boolean);
}
