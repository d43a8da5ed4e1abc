// Original file: keygate/v1/key_admin.proto


export interface ListEventsRequest {
  'project'?: (string);
  'pageSize'?: (number);
  'pageToken'?: (string);
  'keyId'?: (string);
  'action'?: (string);
}

export interface ListEventsRequest__Output {
  'project': (string);
  'pageSize': (number);
  'pageToken': (string);
  'keyId': (string);
  'action': (string);
}
